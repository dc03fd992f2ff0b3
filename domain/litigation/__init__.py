"""A revocation suit (取消訴訟, 行政事件訴訟法) against a decision or a ruling, through the court levels."""
