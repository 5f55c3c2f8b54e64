# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2019

SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue';"]

ENV APP_HOME=C:\Contoso\Sync `
    LOG_DIR=C:\Contoso\Logs\

RUN New-Item -ItemType Directory -Path $env:APP_HOME, $env:LOG_DIR | Out-Null; `
    Invoke-WebRequest -UseBasicParsing -Uri https://downloads.contoso.com/sync/2.4.1/ContosoSync.zip -OutFile C:\sync.zip; `
    Expand-Archive C:\sync.zip -DestinationPath $env:APP_HOME; `
    Remove-Item C:\sync.zip -Force

RUN Start-Process -Wait -FilePath \"$env:APP_HOME\ContosoSync.exe\" -ArgumentList '/install', '/silent', \"/logdir:$env:LOG_DIR\"; `
    Set-Service -Name ContosoSync -StartupType Automatic

WORKDIR C:\Contoso\Sync
CMD ["powershell", "-NoLogo", "-Command", "Start-Service ContosoSync; Get-Content -Wait C:\\Contoso\\Logs\\sync.log"]
