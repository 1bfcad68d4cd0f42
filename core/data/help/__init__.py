"""Operating sheets (renkei help TOPIC), one text file per topic and language."""
