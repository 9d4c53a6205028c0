package com.algosure.integration.inbound;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** Signs callbacks the way providers do, for the inbound tests. */
final class WebhookSigning {

  private WebhookSigning() {}

  static byte[] content(String id, long timestamp, byte[] body) {
    byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[prefix.length + body.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(body, 0, out, prefix.length, body.length);
    return out;
  }

  /** {@code v1,<base64 HMAC-SHA256>} with a {@code whsec_} secret. */
  static String v1(String whsec, String id, long timestamp, byte[] body) {
    byte[] key = Base64.getDecoder().decode(whsec.substring("whsec_".length()));
    return "v1," + Base64.getEncoder().encodeToString(Signatures.hmacSha256(key, content(id, timestamp, body)));
  }

  /** {@code v1a,<base64 Ed25519>}. */
  static String v1a(Ed25519PrivateKeyParameters key, String id, long timestamp, byte[] body) {
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, key);
    byte[] c = content(id, timestamp, body);
    signer.update(c, 0, c.length);
    return "v1a," + Base64.getEncoder().encodeToString(signer.generateSignature());
  }

  static Ed25519PrivateKeyParameters newEd25519Key() {
    return new Ed25519PrivateKeyParameters(new SecureRandom());
  }

  static String whpk(Ed25519PrivateKeyParameters key) {
    return "whpk_" + Base64.getEncoder().encodeToString(key.generatePublicKey().getEncoded());
  }

  static String newWhsec() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return "whsec_" + Base64.getEncoder().encodeToString(b);
  }
}
