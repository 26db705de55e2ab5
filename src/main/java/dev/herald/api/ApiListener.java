package dev.herald.api;

/** What the API tells the outside world (metrics). Thread-safe and quick; no-op defaults. */
public interface ApiListener {

  ApiListener NONE = new ApiListener() {};

  /**
   * One request answered.
   *
   * @param endpoint {@code submit}, {@code show}, {@code cancel}, {@code openapi} or {@code other}
   * @param status the HTTP status answered
   * @param seconds from the request's arrival to the answer
   */
  default void onRequest(String endpoint, int status, double seconds) {}
}
