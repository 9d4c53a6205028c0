package com.algosure.store.jdbc;

/**
 * A consent with the same id is recorded already; consents are never overwritten (revoke and grant anew).
 *
 * @since 0.1.0
 */
public final class ConsentAlreadyExistsException extends JdbcStoreException {

  private static final long serialVersionUID = 1L;

  private final String consentId;

  ConsentAlreadyExistsException(String consentId, Throwable cause) {
    super("consent " + consentId + " is recorded already; consents are never overwritten: revoke it and grant a new one",
        cause);
    this.consentId = consentId;
  }

  /** @return the id that is taken */
  public String consentId() {
    return consentId;
  }
}
