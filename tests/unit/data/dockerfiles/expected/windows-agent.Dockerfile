# escape=`
# Contoso agent as a Windows service; the tests also check this file saved with CRLF and a UTF-8 BOM.
FROM mcr.microsoft.com/windows/servercore:ltsc2022

SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]

COPY ContosoAgent\ C:\ContosoAgent\
RUN New-Service -Name ContosoAgent `
        -BinaryPathName 'C:\ContosoAgent\ContosoAgent.exe --service' `
        -StartupType Automatic
# managed by wincontainers.gmsa.dockerfile_identity (sha256:b13224dfe7f8)
RUN ["C:\\Windows\\System32\\sc.exe", "config", "ContosoAgent", "obj=", "NT AUTHORITY\\NETWORK SERVICE", "password=", ""]

ENTRYPOINT ["powershell", "-NoLogo", "-Command", "Start-Service ContosoAgent; while ($true) { Start-Sleep -Seconds 3600 }"]
