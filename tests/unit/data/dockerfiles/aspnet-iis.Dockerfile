# Contoso Orders: ASP.NET 4.8 web application hosted in IIS
FROM mcr.microsoft.com/dotnet/framework/aspnet:4.8-windowsservercore-ltsc2022

SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue';"]

# Windows authentication for the intranet users
RUN Install-WindowsFeature Web-Windows-Auth; \
    Set-WebConfigurationProperty -PSPath IIS:\ -Filter /system.webServer/security/authentication/windowsAuthentication -Name enabled -Value true

# A dedicated app pool for the orders API
RUN Import-Module WebAdministration; \
    New-WebAppPool -Name 'Contoso.Orders'; \
    Set-ItemProperty IIS:\AppPools\Contoso.Orders -Name managedRuntimeVersion -Value 'v4.0'; \
    New-Item -ItemType Directory -Path C:\inetpub\wwwroot\orders | Out-Null; \
    New-WebApplication -Name orders -Site 'Default Web Site' -PhysicalPath C:\inetpub\wwwroot\orders -ApplicationPool 'Contoso.Orders'

WORKDIR /inetpub/wwwroot
COPY ./publish/Contoso.Web/ .
COPY ./publish/Contoso.Orders.Api/ ./orders/

EXPOSE 80
