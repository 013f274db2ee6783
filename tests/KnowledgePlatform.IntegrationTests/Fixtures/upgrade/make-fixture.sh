#!/usr/bin/env bash
# Writes the upgrade fixture: what a release of KnowledgePlatform leaves behind, made by that release through its own
# API, for UpgradeTests to open with the code of today.
#   release-sqlite.zip    the embedded data folder (knowledge.db, files/, index/)
#   release-postgres.zip  a pg_dump (--inserts) of the PostgreSQL metadata database, and the files/ folder beside it
#   release.json          what the release said about it: ids, keys, users, chunks, searches (the test compares)
# Usage (PostgreSQL binaries, dotnet, curl, jq and zip on the machine):
#   bash tests/KnowledgePlatform.IntegrationTests/Fixtures/upgrade/make-fixture.sh <git ref of the release>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel)
commit=$(git -C "$repo" rev-parse --verify "${1:?usage: make-fixture.sh <git ref of the release>}^{commit}")
work=$(mktemp -d /tmp/kp-upgrade-fixture-XXXXXX)
chmod 755 "$work" # the PostgreSQL server runs as the postgres user
pgbin=${KP_POSTGRES_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
as_postgres=(); [ "$(id -u)" = 0 ] && as_postgres=(runuser -u postgres --)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -d "$work/pg/data" ] && "${as_postgres[@]}" "$pgbin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== building the release $commit"
mkdir "$work/src"
git -C "$repo" archive "$commit" | tar -x -C "$work/src"
dotnet build -c Release -v quiet -nologo "$work/src/src/KnowledgePlatform.Server" -o "$work/server" >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
admin_key="kp_upgrade_platform_admin_key_0123456789abcdef"
clinic_key="kp_upgrade_clinic_key"
shop_key="kp_upgrade_shop_key"

start_server() { # $1: data folder; further arguments: NAME=VALUE settings
  local data=$1; shift
  env ASPNETCORE_URLS="$base" DOTNET_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
    Storage__DataPath="$data" Platform__AdminKey="$admin_key" \
    Demo__Enabled=true Demo__SamplesPath="$here/samples" \
    Demo__Tenants__0__Id=upgrade-clinic Demo__Tenants__0__Name="Upgrade Clinic" Demo__Tenants__0__ApiKey="$clinic_key" \
    Demo__Tenants__0__KnowledgeBase=guidelines Demo__Tenants__0__Vertical=Medical Demo__Tenants__0__Folder=clinic \
    Demo__Tenants__0__Policy=medical-strict Demo__Tenants__0__UserEmail=admin@upgrade-clinic.example \
    Demo__Tenants__0__UserPassword=upgrade-clinic-portal \
    Demo__Tenants__1__Id=upgrade-shop Demo__Tenants__1__Name="Upgrade Shop" Demo__Tenants__1__ApiKey="$shop_key" \
    Demo__Tenants__1__KnowledgeBase=support Demo__Tenants__1__Vertical=CustomerService Demo__Tenants__1__Folder=shop \
    Demo__Tenants__1__Policy=customer-service-standard Demo__Tenants__1__UserEmail=admin@upgrade-shop.example \
    Demo__Tenants__1__UserPassword=upgrade-shop-portal Demo__Tenants__1__WidgetKey=kp_upgrade_shop_widget_key \
    Demo__Tenants__1__WidgetOrigins__0=https://shop.example "$@" \
    dotnet "$work/server/KnowledgePlatform.Server.dll" > "$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do
    curl -fs "$base/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
    sleep 0.5
  done
  echo "the release did not become ready"; cat "$work/server.log"; exit 1
}

stop_server() { kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""; }

api() { # $1 key, $2 method, $3 path, [$4 JSON body]
  curl -fsS -X "$2" -H "X-Api-Key: $1" -H "Content-Type: application/json" ${4:+--data "$4"} "$base/api/v1$3"
}

wait_ready() { # $1 key, $2 kb: every document ready
  for _ in $(seq 1 600); do
    [ "$(api "$1" GET "/knowledge-bases/$2/documents" | jq '[.[] | select(.status != "ready")] | length')" = 0 ] && return 0
    sleep 0.5
  done
  echo "documents of $2 did not become ready"; exit 1
}

# What the release holds beyond its first ingestion: a second version, tags, a disabled chunk, retrieval settings, a
# knowledge base's own policy, a widget webhook and a handoff, an extra key, a conversation. Then what it says about it.
exercise_and_describe() { # $1: output JSON file
  wait_ready "$clinic_key" guidelines; wait_ready "$shop_key" support
  local migraine chunk extra conversation
  migraine=$(api "$clinic_key" GET /knowledge-bases/guidelines/documents | jq -r '.[] | select(.fileName == "migraine.md") | .id')
  printf '%s\n\n## Children\nFor children over 12, ibuprofen 10 mg/kg is preferred.\n' "$(cat "$here/samples/clinic/migraine.md")" > "$work/migraine.md"
  curl -fsS -H "X-Api-Key: $clinic_key" -F "file=@$work/migraine.md;filename=migraine.md" "$base/api/v1/knowledge-bases/guidelines/documents" >/dev/null
  wait_ready "$clinic_key" guidelines
  api "$clinic_key" PATCH "/documents/$migraine/metadata" '{"tags":["neurology"],"effectiveDate":"2026-01-15"}' >/dev/null
  chunk=$(api "$clinic_key" GET "/documents/$migraine/chunks" | jq -r '.[] | select(.text | contains("Propranolol")) | .id')
  api "$clinic_key" PUT "/chunks/$chunk/enabled" '{"enabled":false}' >/dev/null
  api "$clinic_key" PUT /knowledge-bases/guidelines/retrieval '{"denseWeight":0.7}' >/dev/null
  api "$clinic_key" PUT /knowledge-bases/guidelines/policy '{"disclaimer":"Check the local formulary."}' >/dev/null
  extra=$(api "$clinic_key" POST /api-keys '{"name":"reporting","scopes":["read"]}' | jq -r .secret)
  api "$shop_key" PUT /widget-settings '{"title":"Shop help","handoffWebhookUrl":"http://127.0.0.1:9/hooks/handoff"}' >/dev/null
  conversation=$(api "$shop_key" POST /knowledge-bases/support/ask '{"question":"How long do I have to return a product?"}' | jq -r .conversationId)
  api "$shop_key" POST /handoffs "{\"conversationId\":\"$conversation\",\"contact\":\"sam@example.com\",\"message\":\"Please call me\"}" >/dev/null
  sleep 2 # the release's single webhook attempt (nothing listens on port 9)

  jq -n --arg commit "$commit" --arg clinicKey "$clinic_key" --arg shopKey "$shop_key" --arg extraKey "$extra" \
    --arg adminKey "$admin_key" --arg disabledChunk "$chunk" --arg conversation "$conversation" \
    --argjson clinicDocuments "$(api "$clinic_key" GET /knowledge-bases/guidelines/documents)" \
    --argjson shopDocuments "$(api "$shop_key" GET /knowledge-bases/support/documents)" \
    --argjson migraineChunks "$(api "$clinic_key" GET "/documents/$migraine/chunks")" \
    --argjson clinicSearch "$(api "$clinic_key" POST /knowledge-bases/guidelines/search '{"query":"sumatriptan maximum dose","top":3}')" \
    --argjson shopSearch "$(api "$shop_key" POST /knowledge-bases/support/search '{"query":"kettle warranty","top":3}')" \
    --argjson handoffs "$(api "$shop_key" GET /handoffs)" \
    '{release: $commit, keys: {platformAdmin: $adminKey, clinic: $clinicKey, shop: $shopKey, clinicReadOnly: $extraKey},
      users: [{email: "admin@upgrade-clinic.example", password: "upgrade-clinic-portal"}, {email: "admin@upgrade-shop.example", password: "upgrade-shop-portal"}],
      disabledChunk: $disabledChunk, conversation: $conversation,
      clinicDocuments: $clinicDocuments, shopDocuments: $shopDocuments, migraineChunks: $migraineChunks,
      clinicSearch: $clinicSearch, shopSearch: $shopSearch, handoffs: $handoffs}' > "$1"
}

echo "== SQLite: the embedded data folder"
start_server "$work/sqlite"
exercise_and_describe "$work/release.json"
stop_server
(cd "$work/sqlite" && rm -f .write-probe-* && zip -qr "$work/release-sqlite.zip" .)

echo "== PostgreSQL: a dump of the metadata database and the files beside it"
mkdir -p "$work/pg"; [ "$(id -u)" = 0 ] && chown postgres "$work/pg"
pgport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as_postgres[@]}" "$pgbin/initdb" -D "$work/pg/data" -A trust -U postgres -E UTF8 --locale=C >/dev/null
"${as_postgres[@]}" "$pgbin/pg_ctl" -D "$work/pg/data" -o "-p $pgport -k $work/pg -c listen_addresses=127.0.0.1" -l "$work/pg/log" -w start >/dev/null
"$pgbin/createdb" -h 127.0.0.1 -p "$pgport" -U postgres knowledgeplatform
start_server "$work/postgres" Storage__Provider=postgres \
  Storage__ConnectionString="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=knowledgeplatform"
exercise_and_describe "$work/release-postgres.json"
stop_server
# Plain SQL a client library can run: no COPY blocks (--inserts) and no psql meta-commands (\restrict, from 15.14 on).
"$pgbin/pg_dump" -h 127.0.0.1 -p "$pgport" -U postgres --inserts --no-owner --no-privileges knowledgeplatform \
  | sed -e '/^\\restrict /d' -e '/^\\unrestrict /d' > "$work/postgres/metadata.sql"
(cd "$work/postgres" && rm -f .write-probe-* && zip -qr "$work/release-postgres.zip" metadata.sql files)

cp "$work/release-sqlite.zip" "$work/release-postgres.zip" "$here/"
jq --argjson postgres "$(cat "$work/release-postgres.json")" '{sqlite: ., postgres: $postgres}' "$work/release.json" > "$here/release.json"
ls -l "$here"/release*
