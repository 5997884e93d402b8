import html


def contenuto(risposta):
    """The response body as text, with HTML entities decoded (Django escapes apostrophes)."""
    return html.unescape(risposta.content.decode())
