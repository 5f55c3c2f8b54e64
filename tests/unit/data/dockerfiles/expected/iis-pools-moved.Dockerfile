# escape=`
FROM mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022

SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue';"]

RUN Import-Module WebAdministration; `
    New-WebAppPool -Name Contoso.Api; `
    New-WebAppPool -Name Contoso.Legacy; `
    Set-ItemProperty IIS:\AppPools\Contoso.Legacy -Name managedRuntimeVersion -Value ''

COPY site/ C:/inetpub/wwwroot/

RUN Remove-Item -Recurse -Force C:\inetpub\wwwroot\aspnet_client
# managed by wincontainers.gmsa.dockerfile_identity (sha256:755545016c38)
RUN ["C:\\Windows\\System32\\inetsrv\\appcmd.exe", "set", "apppool", "DefaultAppPool", "/processModel.identityType:NetworkService"]
# managed by wincontainers.gmsa.dockerfile_identity (sha256:666a0601b5f3)
RUN ["C:\\Windows\\System32\\inetsrv\\appcmd.exe", "set", "apppool", "Contoso.Legacy", "/processModel.identityType:NetworkService"]
# managed by wincontainers.gmsa.dockerfile_identity (sha256:288a545094fe)
RUN ["C:\\Windows\\System32\\sc.exe", "config", "ContosoCache", "obj=", "NT AUTHORITY\\NETWORK SERVICE", "password=", ""]

EXPOSE 80
