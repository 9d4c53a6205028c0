package com.algosure.authz.token;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import java.time.Clock;
import java.util.Date;
import java.util.Set;

/**
 * nimbus's claims verifier ({@code iss} exact, {@code aud} string or array, {@code exp} required, {@code exp} and
 * {@code nbf} with the clock skew) reading time from our {@link Clock}.
 */
final class ClockedClaimsVerifier extends DefaultJWTClaimsVerifier<SecurityContext> {

  private final Clock clock;

  ClockedClaimsVerifier(String issuer, Set<String> audiences, int skewSeconds, Clock clock) {
    super(audiences, new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("exp"), null);
    setMaxClockSkew(skewSeconds);
    this.clock = clock;
  }

  @Override
  protected Date currentTime() {
    return new Date(clock.millis());
  }
}
