"""gigdata toolkit: the normalized schema, the Parquet store, the analyses, reports and the CLI.

Never imports streamlit, and (apart from `toolkit.cli`) never imports `parsers`.
"""

__version__ = "0.1.0"
