# escape=`
# Sample app for the Molecule scenario: an ASP.NET site in IIS with an app pool of its own.
FROM mcr.microsoft.com/dotnet/framework/aspnet:4.8-windowsservercore-ltsc2022

SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]

RUN Import-Module WebAdministration; `
    New-WebAppPool -Name 'Contoso.Orders'; `
    New-Item -ItemType Directory -Path C:\inetpub\wwwroot\orders | Out-Null; `
    New-WebApplication -Name orders -Site 'Default Web Site' -PhysicalPath C:\inetpub\wwwroot\orders -ApplicationPool 'Contoso.Orders'

COPY ./publish/ C:/inetpub/wwwroot/orders/

EXPOSE 80
