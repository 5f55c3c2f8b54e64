# escape=`
# Sample app for the Molecule scenario: an ASP.NET site in IIS with an app pool of its own.
FROM mcr.microsoft.com/dotnet/framework/aspnet:4.8-windowsservercore-ltsc2022

SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]

RUN Import-Module WebAdministration; `
    New-WebAppPool -Name 'Contoso.Orders'; `
    New-Item -ItemType Directory -Path C:\inetpub\wwwroot\orders | Out-Null; `
    New-WebApplication -Name orders -Site 'Default Web Site' -PhysicalPath C:\inetpub\wwwroot\orders -ApplicationPool 'Contoso.Orders'

COPY ./publish/ C:/inetpub/wwwroot/orders/
# managed by wincontainers.gmsa.dockerfile_identity (sha256:755545016c38)
RUN ["C:\\Windows\\System32\\inetsrv\\appcmd.exe", "set", "apppool", "DefaultAppPool", "/processModel.identityType:NetworkService"]
# managed by wincontainers.gmsa.dockerfile_identity (sha256:1752e9773184)
RUN ["C:\\Windows\\System32\\inetsrv\\appcmd.exe", "set", "apppool", "Contoso.Orders", "/processModel.identityType:NetworkService"]

EXPOSE 80
