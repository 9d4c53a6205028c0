package com.algosure.authz.token;

import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import java.time.Clock;
import java.util.Date;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * nimbus's claims verifier ({@code iss} exact, {@code aud} string or array, {@code exp} required), with the time
 * claims checked here against our {@link Clock}: the token is refused from {@code exp} plus the skew on (RFC 7519
 * §4.1.4: on or after), and accepted from {@code nbf} minus the skew on (§4.1.5: on or after {@code nbf}, so at
 * exactly the boundary; nimbus refused it there).
 */
final class ClockedClaimsVerifier extends DefaultJWTClaimsVerifier<SecurityContext> {

  private final Clock clock;
  private final long skewMillis;

  ClockedClaimsVerifier(String issuer, Set<String> audiences, int skewSeconds, Clock clock) {
    super(audiences, new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("exp"), null);
    this.clock = clock;
    this.skewMillis = skewSeconds * 1000L;
  }

  /** No time for nimbus: its own {@code exp} and {@code nbf} checks are skipped, {@link #verify} makes them. */
  @Override
  protected @Nullable Date currentTime() {
    return null;
  }

  @Override
  public void verify(JWTClaimsSet claims, @Nullable SecurityContext context) throws BadJWTException {
    super.verify(claims, context);
    long now = clock.millis();
    Date exp = claims.getExpirationTime();
    if (exp != null && exp.getTime() + skewMillis <= now) {
      throw new ExpiredJWTException("Expired JWT");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && nbf.getTime() - skewMillis > now) {
      throw new BadJWTException("JWT before use time"); // the text IssuerVerifier maps to NOT_YET_VALID
    }
  }
}
