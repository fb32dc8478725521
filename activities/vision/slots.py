"""Sort the analysed images into the three slots: ID front, ID back, portrait.

What the pixels said decides first. An image that could not be classified (a back side lost in glare,
a portrait too dark to find the face) takes a slot that is still empty by elimination: a document
goes to the missing ID side; a photo with neither document nor face to the portrait, or, when that
is taken, to the one ID side still missing (a card too dark to be found on a light desk). Then its
problems can be told as "retake the back side: too dark" rather than "something is wrong".
"""

from dataclasses import dataclass

from activities.vision.analysis import ImageAnalysis
from activities.vision.reasons import ImageProblem
from orderflow.contract.photo_ident import ImageKind


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
        if item.kind is ImageKind.PORTRAIT and slots.front is None and slots.back is not None:
            _front_among_portraits(slots, item)
        if item.kind is not ImageKind.UNUSABLE:
            continue  # a second front or portrait: reported as a duplicate, never used
        if item.is_document and slots.front is None and slots.back is not None:
            slots.front, item.kind = item, ImageKind.ID_FRONT
        elif item.is_document and slots.back is None and slots.back_needed and slots.front is not None:
            slots.back, item.kind = item, ImageKind.ID_BACK
        elif not item.is_document and _is_decoded(item):
            _by_elimination(slots, item)
    return slots


def _by_elimination(slots: Slots, item: ImageAnalysis) -> None:
    """A photo with neither document nor face: the portrait if that is missing, else the one ID side
    still missing. A card too dark or too blurred to be found is still the side the customer meant."""
    if slots.portrait is None:
        slots.portrait, item.kind = item, ImageKind.PORTRAIT
    elif slots.front is None and slots.back is not None:
        slots.front = item
        item.take_for_document_side(ImageKind.ID_FRONT)
    elif slots.back is None and slots.back_needed and slots.front is not None:
        slots.back = item
        item.take_for_document_side(ImageKind.ID_BACK)


def _front_among_portraits(slots: Slots, item: ImageAnalysis) -> None:
    """Two photos with a face but no document, and the front missing: a card too dark to be found still
    shows its printed face. When only one of the two could not be used, that one is the front."""
    portrait = slots.portrait
    assert portrait is not None
    if portrait.usable == item.usable:
        return  # two selfies, or two spoilt photos: nothing tells them apart
    front, slots.portrait = (item, portrait) if portrait.usable else (portrait, item)
    slots.front = front
    front.take_for_document_side(ImageKind.ID_FRONT)


def _is_decoded(item: ImageAnalysis) -> bool:
    # Bytes that are no image at all say nothing about which photo they were meant to be.
    unreadable = {ImageProblem.NOT_STORED, ImageProblem.NOT_AN_IMAGE, ImageProblem.TRUNCATED}
    unreadable |= {ImageProblem.TOO_SMALL, ImageProblem.TOO_LARGE}
    return not unreadable & set(item.problems)
