/**
 * The curation thresholds of contract section 2, in one named place.
 *
 * @module
 */

/** Longest accepted trip: 6 hours, in seconds (rule 4, `duration_over_limit`). */
export const MAX_DURATION_S = 21_600;

/** Largest accepted `total_amount`, in dollars (rule 6, `invalid_amount`). */
export const MAX_TOTAL_AMOUNT = 1_000;

/** Longest accepted `trip_distance`, in miles (rule 7, `invalid_distance`). */
export const MAX_DISTANCE_MILES = 500;

/** Fastest accepted average speed, in km/h (rule 8, `speed_over_limit`). */
export const MAX_SPEED_KMH = 200;

/** Kilometres per statute mile: converts `trip_distance` for the speed rule and KPIs. */
export const KM_PER_MILE = 1.609344;

/** Most passengers accepted in one trip (rule 9, `invalid_passenger_count`). */
export const MAX_PASSENGERS = 9;

/** Lowest valid TLC taxi zone id (rule 5, `unknown_zone`). */
export const MIN_ZONE_ID = 1;

/** Highest valid TLC taxi zone id (rule 5, `unknown_zone`). */
export const MAX_ZONE_ID = 265;
