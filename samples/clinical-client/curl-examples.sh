#!/usr/bin/env bash
# The clinical decision support API with curl, against a local server with the demo tenants.
# Usage: KP_URL=http://localhost:5000 KP_API_KEY=kp_demo_clinic_key bash samples/clinical-client/curl-examples.sh
set -euo pipefail
URL="${KP_URL:-http://localhost:5000}"
KEY="${KP_API_KEY:-kp_demo_clinic_key}"

echo "# Evidence: ranked passages, no generation"
curl -sS "$URL/api/v1/evidence" -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \
  -d '{"question":"What eGFR range defines CKD category G3b?","patient":{"ageYears":67,"egfr":38},"top":3}'
echo

echo "# A strict answer; the Idempotency-Key makes a retry safe (the same key and body replay the first answer)"
curl -sS -i "$URL/api/v1/answers" -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \
  -H "Idempotency-Key: answer-$(date +%s)" -H "X-Request-Id: my-tool-0001" \
  -d '{"question":"What is the first-choice antibiotic for uncomplicated cystitis in non-pregnant women?"}'
echo

echo "# A question the sources cannot answer: status insufficient_evidence"
curl -sS "$URL/api/v1/answers" -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \
  -d '{"question":"What is the recommended antimalarial prophylaxis for travel to sub-Saharan Africa?"}'
echo

echo "# OpenAI-compatible chat completions, streamed (citations in the last chunk)"
curl -sS -N "$URL/v1/chat/completions" -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \
  -d '{"model":"kp","stream":true,"messages":[{"role":"user","content":"How is a direct oral amoxicillin challenge done?"}]}'
echo
