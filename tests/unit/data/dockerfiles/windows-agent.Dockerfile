# escape=`
# Contoso agent as a Windows service; the tests also check this file saved with CRLF and a UTF-8 BOM.
FROM mcr.microsoft.com/windows/servercore:ltsc2022

SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]

COPY ContosoAgent\ C:\ContosoAgent\
RUN New-Service -Name ContosoAgent `
        -BinaryPathName 'C:\ContosoAgent\ContosoAgent.exe --service' `
        -StartupType Automatic

ENTRYPOINT ["powershell", "-NoLogo", "-Command", "Start-Service ContosoAgent; while ($true) { Start-Sleep -Seconds 3600 }"]
