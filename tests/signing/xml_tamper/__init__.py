"""Code that generates the XML tamper corpus at test time (no committed binary corpus)."""
