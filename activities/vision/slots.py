"""Sort the analysed images into the three slots: ID front, ID back, portrait.

What the pixels said decides first. An image that could not be classified (a back side lost in glare,
a portrait too dark to find the face) takes a slot that is still empty by elimination: a document
goes to the missing ID side, anything else to the portrait. Then its problems can be told as
"retake the back side: glare" rather than "something is wrong".
"""

from dataclasses import dataclass

from activities.vision.analysis import ImageAnalysis
from activities.vision.reasons import ImageProblem
from orderflow.photo_ident import ImageKind


@dataclass
class Slots:
    front: ImageAnalysis | None = None
    back: ImageAnalysis | None = None
    portrait: ImageAnalysis | None = None

    @property
    def mrz_source(self) -> ImageAnalysis | None:
        """A passport's data page carries its MRZ on the photo side; an ID card on its back."""
        if self.front is not None and self.front.mrz_found:
            return self.front
        return self.back

    @property
    def back_needed(self) -> bool:
        return not (self.front is not None and self.front.mrz_found)


def assign(analyses: list[ImageAnalysis]) -> Slots:
    slots = Slots()
    leftovers = []
    for item in analyses:
        slot = {ImageKind.ID_FRONT: "front", ImageKind.ID_BACK: "back", ImageKind.PORTRAIT: "portrait"}.get(item.kind)
        if slot is not None and getattr(slots, slot) is None:
            setattr(slots, slot, item)
        elif slot == "front" and item.mrz_found and slots.back is None:
            slots.back = item  # a second photo of a passport's data page stands in for the back
        else:
            leftovers.append(item)
    for item in leftovers:
        if item.kind is not ImageKind.UNUSABLE:
            continue  # a second front or portrait: reported as a duplicate, never used
        if item.is_document and slots.front is None and slots.back is not None:
            slots.front, item.kind = item, ImageKind.ID_FRONT
        elif item.is_document and slots.back is None and slots.back_needed and slots.front is not None:
            slots.back, item.kind = item, ImageKind.ID_BACK
        elif not item.is_document and slots.portrait is None and _is_decoded(item):
            slots.portrait, item.kind = item, ImageKind.PORTRAIT
    return slots


def _is_decoded(item: ImageAnalysis) -> bool:
    # Bytes that are no image at all say nothing about which photo they were meant to be.
    unreadable = {ImageProblem.NOT_STORED, ImageProblem.NOT_AN_IMAGE, ImageProblem.TRUNCATED}
    unreadable |= {ImageProblem.TOO_SMALL, ImageProblem.TOO_LARGE}
    return not unreadable & set(item.problems)
