"""Synthetic ID documents and the phone photos a customer would upload of them, drawn on the fly.

Shared by the tests and the benchmark (which must not import the tests): `idcards` draws the
documents, `photos` photographs them, `submission` is the standard three-image upload, `labelled`
varies light, angle, background, blur and compression into a set labelled by construction;
`head_turns` and `liveness_frames` turn a real portrait into the frames of a liveness challenge.
It knows nothing of the code it is used to test, except where to load dlib's landmark model from.
"""
