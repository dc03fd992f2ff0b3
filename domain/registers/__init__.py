"""The personal-information registers (個人情報ファイル簿, 個人情報取扱登録簿) and their 目的外利用・外部提供 records.

Pure rules: which register an entry belongs in, how its versions fold into the list in force on a date,
and what a fiscal year's changes and uses count. The store keeps the versions (store/registers.py).
"""
