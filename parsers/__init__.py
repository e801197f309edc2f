"""gigdata parsers: one module per platform, each turning a raw export into the normalized tables."""

PARSER_VERSION = "0.1.0"
