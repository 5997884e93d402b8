import html


def contenuto(risposta):
    """The response body as text, with HTML entities decoded (Django escapes apostrophes)."""
    return html.unescape(risposta.content.decode())


def corpo(risposta):
    """The body as bytes, for plain and streaming responses (FileResponse)."""
    if getattr(risposta, "streaming", False):
        return b"".join(risposta.streaming_content)
    return risposta.content
