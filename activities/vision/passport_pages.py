"""A passport's data page photographed twice: the work left for later on each photo, started as soon
as the images analysed so far allow, beside the images still being analysed.

The MRZ: either photo's reading serves, so the first page analysed is read at once, and the other
only if that reading fails its check digits. The face: it is matched only on the page sorted in as
the front, the first ID front in upload order, so it is embedded once every image before it has
been analysed and none of them is an ID front: the same page the slots will choose.
"""

from concurrent.futures import Future, ThreadPoolExecutor

from activities.vision.analysis import ImageAnalysis, embed_deferred_face, read_deferred_mrz
from activities.vision.models import VisionModels
from orderflow.contract.photo_ident import ImageKind


class EarlyWork:
    def __init__(self, count: int, pool: ThreadPoolExecutor, models: VisionModels) -> None:
        self._analysed: list[ImageAnalysis | None] = [None] * count
        self._pool = pool
        self._models = models
        self._started: list[Future[None]] = []
        self._read = False
        self._embedded = False

    def analysed(self, index: int, item: ImageAnalysis) -> None:
        self._analysed[index] = item
        if not self._read and item.deferred_mrz is not None:
            self._read = True
            self._started.append(self._pool.submit(read_deferred_mrz, item, self._models))
        front = self._certain_front()
        if not self._embedded and front is not None and front.deferred_face is not None:
            self._embedded = True
            self._started.append(self._pool.submit(embed_deferred_face, front, self._models))

    def wait(self) -> None:
        for work in self._started:
            work.result()

    def _certain_front(self) -> ImageAnalysis | None:
        for item in self._analysed:
            if item is None:
                return None  # an earlier image may still turn out to be the front
            if item.kind is ImageKind.ID_FRONT:
                return item
        return None
