#!/usr/bin/env bash
# The filings example against a real Keycloak: start Keycloak on loopback with this directory's realm, run the
# keycloak-tagged suite (Keycloak*Tests: real tokens from real grants, over real HTTP) with the issuer
# passed as a property, stop Keycloak, and exit with the suite's status.
#
#   algosure-examples/keycloak/run-keycloak-suite.sh            # from anywhere in the repository
#
# Needs: JDK 17+ and Maven for the suite, a JDK 21+ for Keycloak (see keycloak.sh), curl, jq, python3.
# Takes about a minute once Keycloak is downloaded (the first run fetches it from Maven Central, ~160 MB).
# Knobs: the ones of keycloak.sh (KC_PORT, KC_BASE, KC_JAVA_HOME, ...); MVN_ARGS for extra Maven arguments
# (for example MVN_ARGS=-o to stay offline).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
KEYCLOAK="$HERE/keycloak.sh"

started_here=0
cleanup() {
  if [ "$started_here" = 1 ]; then
    "$KEYCLOAK" stop || true
  fi
}
trap cleanup EXIT INT TERM

if "$KEYCLOAK" status >/dev/null 2>&1; then
  echo ">> using the Keycloak that is already running"
else
  "$KEYCLOAK" start
  started_here=1
fi
ISSUER="$("$KEYCLOAK" issuer)"

echo ">> running the keycloak suite against $ISSUER"
cd "$ROOT"
# -Pkeycloak selects the tests tagged "keycloak"; -Dtest keeps the other modules' tests out of this run
# (plain `mvn -B verify` runs them, and leaves this suite out)
mvn -B ${MVN_ARGS:-} -pl algosure-examples -am verify -Pkeycloak \
  -Dalgosure.it.issuer="$ISSUER" \
  -Dtest='Keycloak*Tests' -Dsurefire.failIfNoSpecifiedTests=false
