#!/usr/bin/env bash
# Metrics API throughput vs. nginx serving the same bytes (both TLS, HTTP/1.1, loopback), 50 connections, wrk.
# The agent is the Native AOT binary with the shipped agent's runtime settings (see MetricsApiBench.csproj).
# Needs: wrk, nginx (apt-get install wrk nginx-light), the .NET SDK.
# Prints per scenario: requests/s, p99 latency, and CPU time per request of the serving process (user+sys from
# /proc, so it stays meaningful when other work shares the CPU); then the agent's peak RSS and the load average.
# Usage: bench/metricsapi/run.sh [duration, default 20s]      BENCH_JIT=1 for a quick JIT build instead of AOT.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dur=${1:-20s}
work=$(mktemp -d)
port=18443; nginx_port=18444
cleanup() { [ -n "${agent_pid:-}" ] && kill "$agent_pid" 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

if [ -n "${BENCH_JIT:-}" ]; then
  dotnet build "$here/MetricsApiBench.csproj" -c Release -nologo -v q -o "$work/bin" >/dev/null
  export DOTNET_GCgen0size=0x400000 # what the AOT build compiles in
else
  dotnet publish "$here/MetricsApiBench.csproj" -c Release -r linux-x64 -p:PublishAot=true -nologo -v q -o "$work/bin" >/dev/null
fi
"$work/bin/MetricsApiBench" "$port" "$work" > "$work/agent.log" 2>&1 < /dev/null &
agent_pid=$!
for _ in $(seq 1 300); do grep -q "serving on" "$work/agent.log" 2>/dev/null && break; sleep 0.2; done
cat "$work/agent.log"
idle_rss=$(awk '/VmRSS/ {print $2}' "/proc/$agent_pid/status")

# nginx: same certificate, same bytes, same Content-Type.
mkdir -p "$work/www/apis/metrics.k8s.io/v1beta1/namespaces/team-07"
cp "$work/pods-all.json" "$work/www/apis/metrics.k8s.io/v1beta1/pods"
cp "$work/pods-ns-selector.json" "$work/www/apis/metrics.k8s.io/v1beta1/namespaces/team-07/pods"
gzip -1 -k -n "$work/www/apis/metrics.k8s.io/v1beta1/pods" # gzip_static: the same level the agent uses
cat > "$work/nginx.conf" <<NGINX
worker_processes 1; pid $work/nginx.pid; error_log $work/nginx-error.log; daemon on;
events { worker_connections 1024; }
http {
  access_log off; default_type application/json; sendfile on; keepalive_requests 1000000;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
  server { listen 127.0.0.1:$nginx_port ssl; ssl_certificate $work/tls/serving.crt; ssl_certificate_key $work/tls/serving.key;
           ssl_protocols TLSv1.2 TLSv1.3; root $work/www; location / { types { } default_type application/json; gzip_static on; } }
}
NGINX
nginx -c "$work/nginx.conf" -p "$work"
sleep 0.3
nginx_pid=$(pgrep -P "$(cat "$work/nginx.pid")" | head -1) # the worker that serves

tck=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
run() { # name pid url [wrk options]
  wrk -t2 -c50 -d3s "${@:4}" "$3" >/dev/null # warm-up (connections, TLS session state, caches)
  local c0 out c1; c0=$(cpu_ticks "$2"); out=$(wrk -t2 -c50 -d"$dur" --latency "${@:4}" "$3"); c1=$(cpu_ticks "$2")
  awk -v name="$1" -v c0="$c0" -v c1="$c1" -v tck="$tck" '
    /requests in/ {n=$1} /Requests\/sec/ {r=$2} $1=="99%" {p=$2}
    END {printf "%-40s %10s req/s   p99 %9s   cpu %5.0f us/req\n", name, r, p, (c1-c0)/tck*1e6/n}' <<<"$out"
}
q='?labelSelector=app%3Dweb%2Ctier+in+%28fe%29'
echo "--- 50 connections, $dur each (after a 3 s warm-up), TLS, HTTP/1.1 ---"
run "agent: namespace pods + label selector" "$agent_pid" "https://127.0.0.1:$port/apis/metrics.k8s.io/v1beta1/namespaces/team-07/pods$q"
run "nginx: same bytes (file)"               "$nginx_pid" "https://127.0.0.1:$nginx_port/apis/metrics.k8s.io/v1beta1/namespaces/team-07/pods"
run "agent: all pods (1,000)"                "$agent_pid" "https://127.0.0.1:$port/apis/metrics.k8s.io/v1beta1/pods"
run "nginx: same bytes (file)"               "$nginx_pid" "https://127.0.0.1:$nginx_port/apis/metrics.k8s.io/v1beta1/pods"
# What kubectl and the HPA get: client-go asks for gzip, and lists over 128 KiB are compressed (as genericapiserver does).
run "agent: all pods, Accept-Encoding gzip"  "$agent_pid" "https://127.0.0.1:$port/apis/metrics.k8s.io/v1beta1/pods" -H "Accept-Encoding: gzip"
run "nginx: gzip_static, same level"         "$nginx_pid" "https://127.0.0.1:$nginx_port/apis/metrics.k8s.io/v1beta1/pods" -H "Accept-Encoding: gzip"
echo "agent RSS: idle ${idle_rss} kB, peak $(awk '/VmHWM/ {print $2}' "/proc/$agent_pid/status") kB"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
