"""The names that cross the Temporal boundary: the workflow type, its updates, signals and query, and the
activities it calls. Running orders' histories carry these strings, so none of them may ever change."""

WORKFLOW = "OrderWorkflow"

# Updates: the customer's ident pages.
SUBMIT_PHOTOS = "submit_photos"
REQUEST_VIDEO_IDENT = "request_video_ident"
CHOOSE_DOORSTEP = "choose_doorstep"
START_LIVENESS = "start_liveness"
SUBMIT_LIVENESS = "submit_liveness"
# Updates: the video-ident agent, the courier, the shop and operators.
CLAIM_VIDEO_SESSION = "claim_video_session"
COURIER_HANDOVER = "courier_handover"
CANCEL = "cancel"
OPERATOR_RESEND_IDENT_LINK = "operator_resend_ident_link"
OPERATOR_FORCE_DOORSTEP = "operator_force_doorstep"
OPERATOR_REOPEN_DELIVERY_ATTEMPT = "operator_reopen_delivery_attempt"

# Signals: reports that need no running worker to be accepted.
VIDEO_IDENT_RESULT = "video_ident_result"
DELIVERY_FAILED = "delivery_failed"
COURIER_TURNED_AWAY = "courier_turned_away"

STATUS_QUERY = "status"

# Activities on the `orders` task queue (store and delivery codes).
LOAD_ORDER_POLICY = "load_order_policy"
RECORD_ORDER = "record_order"
RECORD_STAGE_CHANGE = "record_stage_change"
RECORD_PHOTO_CHECK = "record_photo_check"
RECORD_VIDEO_SESSION = "record_video_session"
RECORD_DELIVERY_ATTEMPT = "record_delivery_attempt"
DELETE_ID_IMAGES = "delete_id_images"
ISSUE_DELIVERY_CODE = "issue_delivery_code"
CHECK_DELIVERY_CODE = "check_delivery_code"
# A local activity: the clock reading a decision branches on, recorded in history (activities/clock.py).
READ_CLOCK = "read_clock"
# On the `vision` task queue.
PHOTO_IDENT_ACTIVITY = "photo_ident"
LIVENESS_ACTIVITY = "liveness_check"
# On the `messaging` and `webhooks` task queues.
SEND_MESSAGE_ACTIVITY = "send_message"
PUBLISH_ORDER_EVENT = "publish_order_event"
