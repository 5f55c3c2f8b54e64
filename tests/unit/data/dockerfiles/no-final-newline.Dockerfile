FROM mcr.microsoft.com/windows/servercore:ltsc2022
COPY tools/ C:/tools/
RUN setx /M PATH "%PATH%;C:\tools"