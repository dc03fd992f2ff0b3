"""An appeal (審査請求, 行政不服審査法) against a decision or against inaction, and its council review."""
