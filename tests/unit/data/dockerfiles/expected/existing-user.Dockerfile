# Build as an administrator whatever the base image's default user is: the agent installer needs it.
FROM mcr.microsoft.com/windows/server:ltsc2022
USER ContainerAdministrator

COPY install/ C:/install/
RUN msiexec /i C:\install\ContosoAgent.msi /qn /norestart /l*v C:\install\agent.log \
    && rmdir /s /q C:\install
# managed by wincontainers.gmsa.dockerfile_identity (sha256:faf10e748316)
USER "NT AUTHORITY\NETWORK SERVICE"

WORKDIR C:/ProgramData/Contoso/Agent
CMD ["C:\\Program Files\\Contoso\\Agent\\agent.exe", "--foreground"]
