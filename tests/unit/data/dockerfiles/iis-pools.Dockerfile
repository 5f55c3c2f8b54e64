# escape=`
FROM mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022

SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue';"]

RUN Import-Module WebAdministration; `
    New-WebAppPool -Name Contoso.Api; `
    New-WebAppPool -Name Contoso.Legacy; `
    Set-ItemProperty IIS:\AppPools\Contoso.Legacy -Name managedRuntimeVersion -Value ''

COPY site/ C:/inetpub/wwwroot/

EXPOSE 80
