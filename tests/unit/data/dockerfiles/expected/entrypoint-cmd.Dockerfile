FROM mcr.microsoft.com/windows/servercore:ltsc2022

LABEL org.opencontainers.image.title="Contoso inventory exporter" \
      org.opencontainers.image.vendor="Contoso"

COPY exporter/ C:/exporter/
RUN icacls C:\exporter /grant "NT AUTHORITY\NETWORK SERVICE:(OI)(CI)RX"
# managed by wincontainers.gmsa.dockerfile_identity (sha256:faf10e748316)
USER "NT AUTHORITY\NETWORK SERVICE"

HEALTHCHECK --interval=30s --timeout=10s CMD ["C:\\exporter\\exporter.exe", "--health"]
ENTRYPOINT ["C:\\exporter\\exporter.exe"]
CMD ["--interval", "300", "--target", "sql01.contoso.com"]
