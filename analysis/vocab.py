"""The project's one vocabulary: task labels, their probability columns and the scoring precisions.

Every module that names a label, a probability column or a precision imports it from here.
"""
LABELS = {"stance": ["favor", "against", "neutral"], "sentiment": ["negative", "neutral", "positive"]}
PROB_COLUMNS = {"stance": ["p_favor", "p_against", "p_neutral"],
                "sentiment": ["p_negative", "p_neutral", "p_positive"]}
# The sentiment probabilities as SCORED_STATEMENTS names them (p_neutral is stance's there).
SENTIMENT_COLUMNS = ["p_negative", "p_sentiment_neutral", "p_positive"]
PRECISIONS = ("fp32", "bf16", "int8")   # what a model runs in on the CPU
# what a user may ask for: auto = bf16 where native, else int8 (analysis.device); fp16: GPU autocast only
PRECISION_CHOICES = ("auto", *PRECISIONS, "fp16")
