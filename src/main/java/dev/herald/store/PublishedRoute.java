package dev.herald.store;

/**
 * A route a claim published itself (inline publishing, {@link ClaimRequest#inline}): appended and
 * recorded published in the claim's one atomic step, never leased, so nothing is left to complete.
 *
 * @param route as it was claimed: its notification, index, attempts before and due time
 * @param stream the configured stream it was appended to; the entry's id is recorded in the route's
 *     state (the route hash), not carried back by the claim
 */
public record PublishedRoute(ClaimedRoute route, String stream) {}
