package com.algosure.examples.filings.domain;

import com.algosure.integration.CallContext;
import com.algosure.integration.InvalidPayloadException;
import com.algosure.integration.ProviderResponse;
import com.algosure.spring.GuardedCall;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The authority over HTTPS at {@code algosure.providers.authority.endpoint}: {@code POST filings} with the
 * submission as JSON, through the guard's TLS-only client (idempotency key and correlation id as headers); the
 * answer must be {@code {"reference": "..."}}. Thread-safe.
 *
 * @since 0.1.0
 */
public class HttpAuthorityClient implements AuthorityClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Receipt submit(Submission submission) throws IOException, InterruptedException {
    CallContext call = GuardedCall.context();
    ProviderResponse r = GuardedCall.send(call.newRequest("filings").POST(call.payloadPublisher())
        .header("Content-Type", call.contentType()).build());
    JsonNode body;
    try {
      body = JSON.readTree(r.body());
    } catch (IOException e) {
      throw new InvalidPayloadException("the authority's answer is not JSON");
    }
    JsonNode reference = body == null ? null : body.get("reference");
    if (reference == null || !reference.isTextual() || reference.asText().isBlank()) {
      throw new InvalidPayloadException("the authority's answer has no \"reference\"");
    }
    return new Receipt(submission.filingId(), reference.asText());
  }
}
