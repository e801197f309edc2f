"""Uber CSV headers copied verbatim from ../shared/reference/export-formats.md (section in each comment).

Geneva 2017–2022 files were seen only through a notebook's output: their headers below are the column
names that section lists, in that order (the notebook reordered columns, so the real order is unknown).
"""

# §2.1a French SAR 2021, 86 columns, ";"
FR_TRIPS = (
    "city_id;currency_code;timezone;flow;source_tag;product_type_name;global_product_name;request_timestamp_local;"
    "request_timestamp_utc;begintrip_timestamp_local;begintrip_timestamp_utc;dropoff_timestamp_local;"
    "dropoff_timestamp_utc;eta;surge_multiplier;is_surged;has_destination;is_pool_matched;is_star_power;"
    "request_to_begin_distance_miles;request_to_begin_duration_seconds;trip_distance_miles;trip_duration_seconds;"
    "status;is_completed;is_flat_rate;is_cash_trip;is_wait_time_eligible;is_rewindtrip;rewindtrip_timestamp_local;"
    "rewindtrip_timestamp_utc;promotion_local;promotion_usd;credits_local;credits_usd;has_driver_upfront_fare;"
    "driver_upfront_fare_local;driver_upfront_fare_usd;original_fare_local;original_fare_usd;base_fare_local;"
    "base_fare_usd;surge_fare_local;surge_fare_usd;minimum_fare_roundup_local;minimum_fare_roundup_usd;"
    "per_mile_fare_local;per_mile_fare_usd;per_minute_fare_local;per_minute_fare_usd;cancellation_fee_local;"
    "cancellation_fee_usd;rounding_down_amount_local;rounding_down_amount_usd;service_fee_local;service_fee_usd;"
    "toll_amount_local;toll_amount_usd;booking_fee_local;booking_fee_usd;earnings_boost_local;earnings_boost_usd;"
    "fare_distance_miles;fare_duration_minutes;request_date_id_local;driver_trip_number;concierge_source_type;"
    "wait_time_fare_local;wait_time_fare_usd;service_fee;is_on_time;driver_cancellation_reason;vehicle_trip_number;"
    "is_multidestination;driver_surge_multiplier;long_distance_surcharge_local;long_distance_surcharge_usd;"
    "guaranteed_surge_multiplier;ufp_type;cancellation_type;carrier_mcc;carrier_mnc;is_directed_dispatch_trip;"
    "wait_duration_minutes;is_scheduled_trip;is_airport_trip"
)
# §2.1b Geneva SAR 2017–2022 (names listed there), ","
GENEVA_TRIPS = (
    "request_timestamp_local,request_timestamp_utc,begintrip_timestamp_local,begintrip_timestamp_utc,"
    "dropoff_timestamp_local,dropoff_timestamp_utc,request_to_begin_duration_seconds,trip_duration_seconds,"
    "request_to_begin_distance_miles,trip_distance_miles,status,original_fare_local,request_lat,request_lng,"
    "begintrip_lat,begintrip_lng,dropoff_lat,dropoff_lng"
)
# §2.2a portal 2022, Title Case
TITLE_TRIPS = (
    "Product Name,Status,Local Request Timestamp,Begin Trip Local Timestamp,Local Dropoff Timestamp,"
    "Trip Distance (miles),Duration (Seconds),Local Base Fare,Local Original Fare,Local Cancellation Fee,"
    "Currency Code,Set Destination Trip"
)
# §2.2b portal 2025, snake_case (the names confirmed there, a subset of the 73 columns)
PORTAL_2025_TRIPS = (
    "city_name,currency_code,timezone,flow_type,product_type_name,request_timestamp_utc,"
    "begintrip_timestamp_utc,dropoff_timestamp_utc,trip_distance_miles,trip_duration_seconds,"
    "status,original_fare_usd,license_plate"
)
# §2.3 Geneva 2015–16
TRIP_DETAILS = (
    "request_time,begintrip_time,begintrip_latitude,begintrip_longitude,dropoff_time,dropoff_latitude,"
    "dropoff_longitude,status,currency,fare_profile,fare,distance,duration,surge_multiplier"
)
# §2.4a French SAR 2021, ";"
FR_ONLINE = (
    "earner_state;city_id;begin_lat;begin_lng;end_lat;end_lng;begin_timestamp_utc;end_timestamp_utc;"
    "duration_ms;begin_timestamp_local;end_timestamp_local"
)
# §2.4b Uber Eats 2025
EATS_ONLINE = (
    "earner_state,city_id,begin_timestamp_utc,end_timestamp_utc,duration_ms,begin_timestamp_local,"
    "end_timestamp_local"
)
# §2.4c Geneva 2017–2022 (names listed there)
GENEVA_ONLINE = (
    "begin_timestamp,end_timestamp,begin_timestamp_local,end_timestamp_local,duration_seconds,status,"
    "begin_lat,begin_lng,end_lat,end_lng,vehicle_uuid,city_id"
)
# §2.5a French SAR 2021, 19 columns, ";"
FR_DISPATCHES = (
    "start_timestamp_utc;end_timestamp_utc;start_timestamp_local;end_timestamp_local;city_id;"
    "minutes_online;minutes_active;dispatches;rejections;accepts;expireds;driver_cancellations;"
    "rider_cancellations;completed_trips;trip_fares;driver_adjusted_fares;flow_type;minutes_on_break;"
    "minutes_on_trip"
)
# §2.5b Geneva 2017–2022, 21 columns
GENEVA_DISPATCHES = (
    "start_timestamp_utc,end_timestamp_utc,start_timestamp_local,end_timestamp_local,driver_uuid,"
    "city_id,minutes_online,minutes_active,dispatches,rejections,accepts,expireds,"
    "driver_cancellations,rider_cancellations,completed_trips,trip_fares,driver_adjusted_fares,"
    "flow_type,partner_uuids,vehicle_uuids,minutes_on_trip"
)
# §2.6 Geneva trip status (the columns certainly present)
TRIP_STATUS = "begin_timestamp_local,end_timestamp_local,status,end_reason"
# §2.7a/b/c
FR_PAYMENTS = "city_id;amount_local;currency_code;classification;category;recognize_timestamp_local"
EATS_PAYMENTS = "city_name,amount_local,currency_code,classification,category,recognize_timestamp_local"
PORTAL_PAYMENTS = "City Name,Trip UUID,Local Amount,Currency Code,Classification,Category,Local Timestamp"
# §2.8 French SAR 2021, ";"
RESTRICTIONS = "msg.cityid;msg.penaltyboxdurationms;msg.rule;Time;msg.latitude;msg.longitude"
# §2.10
DEVICE = (
    "lat,lng,gps_time_ms,altitude,speed,horizontal_accuracy,vertical_accuracy,driver_status,battery_level,"
    "type"
)
ANALYTICS = (
    "Analytics Event Name,City,Cellular Carrier,Carrier MCC,Carrier MNC,IP Address,Device Language,"
    "Device Model,Device OS,Device OS Version,Is Driver Online?,Driver Status,Application Version,"
    "Event Time (UTC),Latitude,Longitude,Speed (GPS),Analytics Event Type"
)
# §2.11
RATINGS = "five_star_rating"
# §3 Uber Eats courier trips, 22 columns
COURIER = (
    "city_name,courier_accept_timestamp_local,courier_accept_timestamp_utc,"
    "courier_accept_to_pickup_distance_miles,courier_accept_to_pickup_duration_seconds,courier_accept_trip_lat,"
    "courier_accept_trip_lng,courier_app_version,courier_arrival_pickup_timestamp_local,courier_begintrip_lat,"
    "courier_begintrip_lng,courier_begintrip_timestamp_local,courier_begintrip_to_dropoff_miles,"
    "courier_begintrip_to_dropoff_seconds,courier_commission_rate,courier_device,"
    "courier_arrival_dropoff_timestamp_local,courier_dropoff_timestamp_local,delivery_status,"
    "dropoff_delivery_distance_km,restaurant_request_timestamp_local,license_plate"
)
