FROM mcr.microsoft.com/windows/servercore:ltsc2022

SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue';"]

COPY ./OrderProcessor/ C:/OrderProcessor/

RUN New-Service -Name 'ContosoOrderProcessor' \
        -BinaryPathName 'C:\OrderProcessor\Contoso.OrderProcessor.exe' \
        -DisplayName 'Contoso Order Processor' \
        -StartupType Automatic ; \
    New-EventLog -LogName Application -Source 'ContosoOrderProcessor'

COPY ./Start-OrderProcessor.ps1 C:/
# managed by wincontainers.gmsa.dockerfile_identity (sha256:07d1609e1f7c)
RUN ["C:\\Windows\\System32\\sc.exe", "config", "ContosoOrderProcessor", "obj=", "NT AUTHORITY\\NETWORK SERVICE", "password=", ""]
ENTRYPOINT ["powershell", "-NoLogo", "-File", "C:\\Start-OrderProcessor.ps1"]
