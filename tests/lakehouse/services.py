"""The processes the lakehouse tests run: local S3 (moto) and Azure Blob (Azurite) servers,
the collector built by ocb, and the OTLP generator. Every server listens on loopback only and
is stopped by the test that started it."""
import json
import os
import signal
import socket
import subprocess
import tempfile
import time

# Azurite's published development account (the emulator's fixed, public key).
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
TABLES = ["gauge", "sum", "histogram", "exponential_histogram", "summary"]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, timeout=30, proc=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port} after {timeout}s")


def stop(proc):
    """Ends a server this test started: SIGTERM, then SIGKILL."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def object_store_env():
    env = dict(os.environ)
    env.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_REGION="us-east-1",
               AZURE_STORAGE_ACCOUNT=AZURITE_ACCOUNT, AZURE_STORAGE_KEY=AZURITE_KEY)
    return env


class Moto:
    """moto's S3 server on a loopback port, with one bucket."""

    def __init__(self, bin_dir, work, port=None, bucket="lake"):
        self.port = port or free_port()
        self.bucket = bucket
        self.log = open(os.path.join(work, f"moto-{self.port}.log"), "w")
        self.proc = subprocess.Popen([os.path.join(bin_dir, "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        wait_port(self.port, proc=self.proc)
        import boto3
        boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id="test", aws_secret_access_key="test",
                     region_name="us-east-1").create_bucket(Bucket=bucket)

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def url(self, prefix):
        return f"s3://{self.bucket}/{prefix}?endpoint={self.endpoint}&use_path_style=true&region=us-east-1"

    def delta_uri(self, prefix, table):
        return f"s3://{self.bucket}/{prefix}/otel_metrics_{table}"

    def storage_options(self):
        return {"AWS_ENDPOINT_URL": self.endpoint, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                "AWS_REGION": "us-east-1", "AWS_ALLOW_HTTP": "true"}

    def stop(self):
        stop(self.proc)


class Azurite:
    """Azurite's Blob server on a loopback port, with one container."""

    def __init__(self, azurite_bin, work, container="lake"):
        self.port = free_port()
        self.container = container
        data = tempfile.mkdtemp(prefix="azurite-", dir=work)
        self.log = open(os.path.join(work, "azurite.log"), "w")
        self.proc = subprocess.Popen([azurite_bin, "--blobHost", "127.0.0.1", "--blobPort", str(self.port),
                                      "--location", data, "--skipApiVersionCheck", "--silent"],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        wait_port(self.port, proc=self.proc)
        from azure.storage.blob import BlobServiceClient
        BlobServiceClient.from_connection_string(self.connection_string()).create_container(container)

    def connection_string(self):
        return (f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};"
                f"BlobEndpoint=http://127.0.0.1:{self.port}/{AZURITE_ACCOUNT};")

    def url(self, prefix):
        return f"azblob://{self.container}/{prefix}?localemu=true&protocol=http&domain=127.0.0.1:{self.port}"

    def delta_uri(self, prefix, table):
        return f"az://{self.container}/{prefix}/otel_metrics_{table}"

    def storage_options(self):
        return {"account_name": AZURITE_ACCOUNT, "account_key": AZURITE_KEY,
                "azure_storage_endpoint": f"http://127.0.0.1:{self.port}/{AZURITE_ACCOUNT}", "allow_http": "true"}

    def stop(self):
        stop(self.proc)


def exporter_yaml(name, path, flush="1s", extra=""):
    return (f"  deltalake/{name}:\n    path: \"{path}\"\n"
            f"    sending_queue:\n      batch:\n        flush_timeout: {flush}\n        min_size: 5000\n{extra}")


class Collector:
    """The collector built by ocb: OTLP gRPC in, the given deltalake exporters out, with the given
    extensions (YAML under `extensions:`, e.g. a file_storage for a persistent queue) enabled."""

    def __init__(self, binary, work, name, exporters, metrics_port=None, extensions=""):
        self.port = free_port()
        self.metrics_port = metrics_port or free_port()
        self.config = os.path.join(work, f"{name}.yaml")
        names = [line.strip().rstrip(":") for line in exporters.splitlines() if line.startswith("  deltalake/")]
        ext_names = [line.strip().rstrip(":") for line in extensions.splitlines() if line[:2] == "  " and line[2] != " "]
        with open(self.config, "w") as f:
            f.write(f"""receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:{self.port}
{"extensions:" + chr(10) + extensions if extensions else ""}exporters:
{exporters}
service:
  extensions: [{", ".join(ext_names)}]
  pipelines:
    metrics:
      receivers: [otlp]
      exporters: [{", ".join(names)}]
  telemetry:
    logs:
      level: info
    metrics:
      level: basic
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: {self.metrics_port}
""")
        self.logpath = os.path.join(work, f"{name}.log")
        self.log = open(self.logpath, "w")
        self.proc = subprocess.Popen([binary, "--config", self.config], stdout=self.log, stderr=subprocess.STDOUT,
                                     env=object_store_env())
        wait_port(self.port, proc=self.proc)

    @property
    def endpoint(self):
        return f"127.0.0.1:{self.port}"

    def alive(self):
        return self.proc.poll() is None

    def metric(self, name):
        """Sum of a metric from the collector's own Prometheus endpoint."""
        import urllib.request
        body = urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=5).read().decode()
        return sum(float(line.rsplit(" ", 1)[1]) for line in body.splitlines()
                   if line.startswith(name + "{") or line.startswith(name + " "))

    def logtext(self):
        self.log.flush()
        return open(self.logpath).read()

    def stop(self, sig=signal.SIGTERM, timeout=60):
        self.proc.send_signal(sig)
        return self.proc.wait(timeout)


def generate(otlpgen, endpoint, gen_id, **flags):
    """Runs otlpgen to the end; returns its acknowledged points per table."""
    args = [otlpgen, "-endpoint", endpoint, "-id", gen_id] + [f"-{k}={v}" for k, v in flags.items()]
    out = subprocess.run(args, check=True, capture_output=True, text=True, timeout=600)
    return json.loads(out.stdout)


def start_generator(otlpgen, endpoint, gen_id, **flags):
    args = [otlpgen, "-endpoint", endpoint, "-id", gen_id] + [f"-{k}={v}" for k, v in flags.items()]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish_generator(proc, sig=None, timeout=120):
    if sig is not None:
        proc.send_signal(sig)
    out, err = proc.communicate(timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"otlpgen failed: {err}")
    return json.loads(out)
