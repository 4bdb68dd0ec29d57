"""Quotation marks of one paragraph: which marks open and close a quote, in any
style, tolerant of apostrophes and stray marks."""

# opening mark -> the marks that close it: English “…” and "…", Swedish/Finnish ”…” and
# »…», German „…“ and »…«, Polish „…”, French «…», single ‘…’ and ‚…‘
CLOSES = {"“": "”\"", "”": "”\"", '"': '"”', "«": "»", "»": "»«", "„": "“”", "‘": "’", "‚": "‘’"}
QUOTE_MARKS = set(CLOSES) | {"’"}
ALWAYS_OPENS = "“«„‚"  # these marks open a quote wherever they stand; the rest only before a word


def find_quotes(text):
    """Return (open, close) offsets of the outermost quotations in one paragraph.

    ``open`` is the offset of the opening mark and ``close`` that of the closing
    mark (``len(text)`` for a quote that opens the paragraph and runs to its end,
    the multi-paragraph convention).  Apostrophes are told apart from single
    quotes by their neighbours; a stray mark that never closes is dropped and
    the scan resumes after it, so one bad mark never hides the other quotes.
    """
    ignored = set()
    while True:
        quotes, stack = [], []
        for i, ch in enumerate(text):
            if i in ignored or ch not in QUOTE_MARKS:
                continue
            prev = text[i - 1] if i else " "
            nxt = text[i + 1] if i + 1 < len(text) else " "
            if ch in "’‘" and prev.isalnum() and nxt.isalnum():
                continue  # apostrophe inside a word: country’s, don’t
            if stack and ch in CLOSES[text[stack[-1]]]:
                start = stack.pop()
                if not stack:
                    quotes.append((start, i))
                continue
            if ch == "’" and prev in "sS" and not stack:
                continue  # plural possessive: the countries’ leaders
            opening = (prev.isspace() or prev in "([{—–-:,") and not nxt.isspace()
            if ch in ALWAYS_OPENS or (ch in CLOSES and opening):
                stack.append(i)
        if not stack:
            return quotes
        first = stack[0]
        if text[:first].strip() == "":
            quotes.append((first, len(text)))
            return sorted(quotes)
        ignored.add(first)
