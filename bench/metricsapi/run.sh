#!/usr/bin/env bash
# Metrics API throughput vs. nginx serving the same bytes (both TLS, HTTP/1.1, loopback), 50 connections, wrk.
# Needs: wrk, nginx (apt-get install wrk nginx-light), the .NET SDK. Prints requests/s, p99 and the agent's peak RSS.
# Usage: bench/metricsapi/run.sh [duration, default 20s]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dur=${1:-20s}
work=$(mktemp -d)
port=18443; nginx_port=18444
cleanup() { [ -n "${agent_pid:-}" ] && kill "$agent_pid" 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

dotnet build "$here/MetricsApiBench.csproj" -c Release -nologo -v q -o "$work/bin" >/dev/null
"$work/bin/MetricsApiBench" "$port" "$work" > "$work/agent.log" 2>&1 < /dev/null &
agent_pid=$!
for _ in $(seq 1 300); do grep -q "serving on" "$work/agent.log" 2>/dev/null && break; sleep 0.2; done
cat "$work/agent.log"

# nginx: same certificate, same bytes, same Content-Type.
mkdir -p "$work/www/apis/metrics.k8s.io/v1beta1/namespaces/team-07"
cp "$work/pods-all.json" "$work/www/apis/metrics.k8s.io/v1beta1/pods"
cp "$work/pods-ns-selector.json" "$work/www/apis/metrics.k8s.io/v1beta1/namespaces/team-07/pods"
cat > "$work/nginx.conf" <<NGINX
worker_processes 1; pid $work/nginx.pid; error_log $work/nginx-error.log; daemon on;
events { worker_connections 1024; }
http {
  access_log off; default_type application/json; sendfile on; keepalive_requests 1000000;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
  server { listen 127.0.0.1:$nginx_port ssl; ssl_certificate $work/tls/serving.crt; ssl_certificate_key $work/tls/serving.key;
           ssl_protocols TLSv1.2 TLSv1.3; root $work/www; location / { types { } default_type application/json; } }
}
NGINX
nginx -c "$work/nginx.conf" -p "$work"

peak_rss() { awk '/VmHWM/ {print $2" kB"}' "/proc/$agent_pid/status"; }
run() { # name url
  local out; out=$(wrk -t2 -c50 -d"$dur" --latency "$2")
  local rps p99; rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  printf '%-40s %12s req/s   p99 %s\n' "$1" "$rps" "$p99"
}
q='?labelSelector=app%3Dweb%2Ctier+in+%28fe%29'
echo "--- 50 connections, $dur each, TLS, HTTP/1.1 ---"
run "agent: namespace pods + label selector" "https://127.0.0.1:$port/apis/metrics.k8s.io/v1beta1/namespaces/team-07/pods$q"
run "nginx: same bytes (file)"               "https://127.0.0.1:$nginx_port/apis/metrics.k8s.io/v1beta1/namespaces/team-07/pods"
run "agent: all pods (1,000)"                "https://127.0.0.1:$port/apis/metrics.k8s.io/v1beta1/pods"
run "nginx: same bytes (file)"               "https://127.0.0.1:$nginx_port/apis/metrics.k8s.io/v1beta1/pods"
echo "agent peak RSS: $(peak_rss)"
