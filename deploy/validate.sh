#!/usr/bin/env bash
# Checks the deployment files without a Docker engine or a Kubernetes cluster:
#   1. docker-compose.yml: `docker compose config` (or docker-compose v1) resolves and validates it;
#   2. deploy/kubernetes: `kubectl kustomize` renders it (when kubectl is there) and every object, plus
#      secret.example.yaml, is checked against the Kubernetes API schemas (kubernetes-models, offline).
# Installs docker-compose (apt) and the npm validator when missing. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "-- docker-compose.yml"
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  command -v docker-compose >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y docker-compose; }
  compose=(docker-compose)
fi
"${compose[@]}" --env-file .env.example config --quiet
echo "compose file valid (${compose[*]} config)"

echo "-- deploy/kubernetes"
command -v node >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm; }
(cd deploy/validate && npm ci --no-audit --no-fund --silent)
rendered=$(mktemp)
if command -v kubectl >/dev/null; then
  kubectl kustomize deploy/kubernetes > "$rendered"
else
  # Without kubectl: the files the kustomization lists, as they are.
  sed -n 's/^  - \(.*\.yaml\)$/deploy\/kubernetes\/\1/p' deploy/kubernetes/kustomization.yaml | xargs cat > "$rendered"
fi
node deploy/validate/validate-kubernetes.mjs "$rendered" deploy/kubernetes/secret.example.yaml
rm -f "$rendered"
