"""What the customer reads, in the same words in the e-mails (activities/messaging) and on the
customer pages (api/pages): dates and times in the local zone (`localtime`), and the phrase tables,
link labels and reason texts per locale (`templates/<locale>/phrases.j2`).

Both read them from here, so the API needs nothing of the messaging activities.
"""

from pathlib import Path

# Templates import `<locale>/phrases.j2` from this folder.
PHRASES = Path(__file__).parent / "templates"
