"""The annual operation-status report (運用状況): one service, four formats (JSON, CSV, Excel, PDF)."""
