package com.algosure.examples.filings;

import org.springframework.boot.test.context.SpringBootTest;

/** The scenarios with tokens of the embedded development issuer, fetched over HTTP from the app itself. */
@SpringBootTest(classes = FilingsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "filings.audit-file=target/filings-audit-test.log")
class DevelopmentIssuerScenarioTests extends FilingsScenarios {

  private String mint(String user, String query) {
    var r = http.post("/dev/tokens/" + user + query, null);
    if (r.status() != 200) {
      throw new IllegalStateException("no development token for " + user + ": " + r.body());
    }
    return r.json().path("access_token").asText();
  }

  @Override
  protected String token(String user) {
    return mint(user, "");
  }

  @Override
  protected String mfaToken(String user) {
    return mint(user, "?mfa=true");
  }

  @Override
  protected String expiredToken(String user) {
    return mint(user, "?expired=true");
  }
}
