#!/usr/bin/env bash
# A real Keycloak on loopback for the filings example: start | stop | status | token <user>.
#
#   algosure-examples/keycloak/keycloak.sh start     # download once (Maven Central), start, import the realm
#   algosure-examples/keycloak/keycloak.sh token alice
#   algosure-examples/keycloak/keycloak.sh stop
#
# Keycloak runs in dev mode with an in-memory database (every start imports this directory's realm-*.json afresh),
# on 127.0.0.1 only. It needs a JDK 21+ (KC_JAVA_HOME, default: the newest JDK 21+ installed); the SDK and
# the example stay on Java 17. Needs curl, jq, unzip and python3 (for carol's one-time code).
#
# Knobs: KC_VERSION (26.5.6), KC_PORT (18180), KC_BASE (${TMPDIR:-/tmp}/algosure-examples-keycloak),
#        KC_JAVA_HOME, KC_START_TIMEOUT (seconds, 180).
# Issuer: http://127.0.0.1:$KC_PORT/realms/algosure
set -euo pipefail

KC_VERSION="${KC_VERSION:-26.5.6}"
KC_PORT="${KC_PORT:-18180}"
KC_BASE="${KC_BASE:-${TMPDIR:-/tmp}/algosure-examples-keycloak}"
KC_HOME="$KC_BASE/keycloak-$KC_VERSION"
PID_FILE="$KC_BASE/keycloak.pid"
LOG_FILE="$KC_BASE/keycloak.log"
URL="http://127.0.0.1:$KC_PORT"
ISSUER="$URL/realms/algosure"
HERE="$(cd "$(dirname "$0")" && pwd)"
ADMIN_USER="${KC_BOOTSTRAP_ADMIN_USERNAME:-admin}"
ADMIN_PASSWORD="${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin}"

die() { echo "keycloak.sh: $*" >&2; exit 1; }

find_jdk21() { # the newest JDK 21+ on this machine
  local j v best="" bestv=0
  for j in /usr/lib/jvm/*/bin/java "$(command -v java || true)"; do
    [ -x "$j" ] || continue
    v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    v="${v%%.*}"
    if [ -n "$v" ] && [ "$v" -ge 21 ] 2>/dev/null && [ "$v" -gt "$bestv" ]; then
      bestv=$v; best=$(dirname "$(dirname "$(readlink -f "$j")")")
    fi
  done
  echo "$best"
}

running() { [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; }

install() {
  [ -x "$KC_HOME/bin/kc.sh" ] && return 0
  mkdir -p "$KC_BASE"
  local zip="$KC_BASE/keycloak-quarkus-dist-$KC_VERSION.zip"
  if [ ! -f "$zip" ]; then
    echo ">> fetching org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip (Maven Central, cached in ~/.m2)"
    mvn -B -q dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip" -DoutputDirectory="$KC_BASE"
  fi
  (cd "$KC_BASE" && unzip -q -o "$zip")
}

admin_token() {
  curl -sf "$URL/realms/master/protocol/openid-connect/token" -d grant_type=password -d client_id=admin-cli \
    --data-urlencode "username=$ADMIN_USER" --data-urlencode "password=$ADMIN_PASSWORD" | jq -r .access_token
}

# The amr mapper needs reference values on the direct-grant steps to emit ["pwd"] / ["pwd","otp"]. Set through
# the admin API: a realm JSON would have to carry all of Keycloak's built-in flows to change one. The max age is
# an hour, not 0: with 0 a step only counts when the token is issued in the same second as the step, so a busy
# machine would sometimes drop "otp" from amr.
configure_amr() {
  local adm executions id step ref
  adm="$(admin_token)"
  executions="$(curl -sf -H "Authorization: Bearer $adm" "$URL/admin/realms/algosure/authentication/flows/direct%20grant/executions")"
  for step in direct-grant-validate-password:pwd direct-grant-validate-otp:otp; do
    ref="${step##*:}"; step="${step%%:*}"
    id="$(jq -r --arg p "$step" '.[] | select(.providerId==$p and .authenticationConfig==null) | .id' <<<"$executions")"
    [ -n "$id" ] || continue
    curl -sf -o /dev/null -H "Authorization: Bearer $adm" -H 'Content-Type: application/json' \
      "$URL/admin/realms/algosure/authentication/executions/$id/config" \
      -d "{\"alias\":\"amr-$ref\",\"config\":{\"default.reference.value\":\"$ref\",\"default.reference.maxAge\":\"3600\"}}"
  done
}

start() {
  if running; then echo "Keycloak already running (PID $(cat "$PID_FILE")): $ISSUER"; return 0; fi
  curl -s -o /dev/null "$URL/" && die "port $KC_PORT is in use by something else: set KC_PORT"
  local java_home="${KC_JAVA_HOME:-$(find_jdk21)}"
  [ -n "$java_home" ] || die "Keycloak needs a JDK 21 or newer: install one or set KC_JAVA_HOME"
  install
  mkdir -p "$KC_HOME/data/import"
  rm -f "$KC_HOME/data/import/"realm-*.json
  cp "$HERE/"realm-*.json "$KC_HOME/data/import/"
  local t0=$SECONDS
  # JAVA_HOME for Keycloak only; --add-opens quiets jboss-threads on Java 24+ at shutdown
  JAVA_HOME="$java_home" \
  JAVA_OPTS_APPEND="${JAVA_OPTS_APPEND:---add-opens=java.base/java.lang=ALL-UNNAMED}" \
  KC_BOOTSTRAP_ADMIN_USERNAME="$ADMIN_USER" KC_BOOTSTRAP_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
    nohup "$KC_HOME/bin/kc.sh" start-dev --http-host=127.0.0.1 --http-port="$KC_PORT" --hostname="$URL" \
      --db=dev-mem --import-realm >"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  echo ">> Keycloak $KC_VERSION starting (PID $(cat "$PID_FILE"), log $LOG_FILE)"
  local deadline=$((SECONDS + ${KC_START_TIMEOUT:-180}))
  until curl -sf -o /dev/null "$ISSUER/.well-known/openid-configuration"; do
    running || { tail -40 "$LOG_FILE" >&2; die "Keycloak exited during start-up"; }
    [ $SECONDS -lt $deadline ] || { stop; die "Keycloak not ready after ${KC_START_TIMEOUT:-180} s"; }
    sleep 1
  done
  configure_amr
  echo ">> ready in $((SECONDS - t0)) s: $ISSUER"
}

stop() {
  running || { rm -f "$PID_FILE"; echo "Keycloak not running"; return 0; }
  local pid; pid="$(cat "$PID_FILE")"
  kill -TERM "$pid"  # kc.sh forwards the signal to its java process
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PID_FILE"; echo ">> Keycloak stopped"; return 0; }
    sleep 0.5
  done
  die "Keycloak (PID $pid) still running after 30 s"
}

token() { # token <alice|dave|bob|root|carol|billing-worker>: an access token from a real grant
  local user="${1:?usage: keycloak.sh token <user>}" ep="$ISSUER/protocol/openid-connect/token" response
  case "$user" in
    billing-worker) response="$(curl -s "$ep" -u billing-worker:billing-worker-secret -d grant_type=client_credentials)" ;;
    carol) # TOTP (RFC 6238) over the raw secret of the realm file
      local code
      code="$(python3 -c 'import hmac,hashlib,struct,time; k=b"algosure-carol-totp-secret"; h=hmac.new(k,struct.pack(">Q",int(time.time())//30),hashlib.sha1).digest(); o=h[-1]&15; print("%06d"%((struct.unpack(">I",h[o:o+4])[0]&0x7fffffff)%10**6))')"
      response="$(curl -s "$ep" -d grant_type=password -d client_id=algosure-cli -d username=carol -d password=carol-pass -d totp="$code")" ;;
    *) response="$(curl -s "$ep" -d grant_type=password -d client_id=algosure-cli -d username="$user" -d password="$user-pass")" ;;
  esac
  jq -er .access_token <<<"$response" || die "no token for $user: $(jq -c '{error, error_description}' <<<"$response")"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running (PID $(cat "$PID_FILE")): $ISSUER"; else echo "not running"; exit 1; fi ;;
  token) shift; token "$@" ;;
  issuer) echo "$ISSUER" ;;
  *) echo "usage: $0 start|stop|status|token <user>|issuer" >&2; exit 2 ;;
esac
