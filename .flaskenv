FLASK_APP=app:app
