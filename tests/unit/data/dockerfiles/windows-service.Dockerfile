FROM mcr.microsoft.com/windows/servercore:ltsc2022

SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue';"]

COPY ./OrderProcessor/ C:/OrderProcessor/

RUN New-Service -Name 'ContosoOrderProcessor' \
        -BinaryPathName 'C:\OrderProcessor\Contoso.OrderProcessor.exe' \
        -DisplayName 'Contoso Order Processor' \
        -StartupType Automatic ; \
    New-EventLog -LogName Application -Source 'ContosoOrderProcessor'

COPY ./Start-OrderProcessor.ps1 C:/
ENTRYPOINT ["powershell", "-NoLogo", "-File", "C:\\Start-OrderProcessor.ps1"]
