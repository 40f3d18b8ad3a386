#!/usr/bin/env bash
# Makes the agents' serving CA and certificate (SAN edgescaler.kube-system.svc, what kube-apiserver checks),
# writes the CA into both APIService caBundles, and prints a Secret manifest for the certificate.
# Usage: deploy/k3s/gen-serving-cert.sh [out-dir]   (then: kubectl apply -f <out-dir>/serving-secret.yaml -f deploy/k3s/)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/.secrets}
mkdir -p "$out" && chmod 700 "$out"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
  -keyout "$out/ca.key" -out "$out/ca.crt" -subj "/CN=edgescaler-serving-ca" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$out/tls.key" -out "$out/tls.csr" \
  -subj "/CN=edgescaler.kube-system.svc" 2>/dev/null
printf 'subjectAltName=DNS:edgescaler.kube-system.svc,DNS:edgescaler.kube-system.svc.cluster.local\nextendedKeyUsage=serverAuth,clientAuth\n' > "$out/ext.cnf"
openssl x509 -req -in "$out/tls.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial -days 825 \
  -extfile "$out/ext.cnf" -out "$out/tls.crt" 2>/dev/null
ca=$(base64 -w0 "$out/ca.crt")
for f in "$here"/apiservice-v1beta1.yaml "$here"/apiservice-v1.yaml; do
  sed -i "s|^  caBundle: .*|  caBundle: $ca|" "$f"
done
cat > "$out/serving-secret.yaml" <<YAML
apiVersion: v1
kind: Secret
metadata:
  name: edgescaler-serving-cert
  namespace: kube-system
type: kubernetes.io/tls
data:
  tls.crt: $(base64 -w0 "$out/tls.crt")
  tls.key: $(base64 -w0 "$out/tls.key")
  ca.crt: $ca
YAML
echo "wrote $out/serving-secret.yaml and updated caBundle in apiservice-v1beta1.yaml / apiservice-v1.yaml"
