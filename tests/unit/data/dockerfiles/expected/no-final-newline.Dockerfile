FROM mcr.microsoft.com/windows/servercore:ltsc2022
COPY tools/ C:/tools/
RUN setx /M PATH "%PATH%;C:\tools"
# managed by wincontainers.gmsa.dockerfile_identity (sha256:faf10e748316)
USER "NT AUTHORITY\NETWORK SERVICE"