"""Photo-ident on the `vision` task queue: OpenCV, OCR and deepface on three uploaded images.

Importing this package is cheap; the heavy libraries (cv2, onnxruntime, dlib, deepface) load in the
modules below, which only the vision worker imports. Workflows call the activity by its name,
`orderflow.contract.names.PHOTO_IDENT_ACTIVITY`, so none of this reaches the workflow sandbox.
"""
