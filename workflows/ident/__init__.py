"""Online identification: the deadline loop, photo checks, video calls, the camera check, operator actions."""
