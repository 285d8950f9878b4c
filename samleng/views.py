from django.shortcuts import render


def home(request):
    """The front page: what Samleng is, and the ways in for citizens and for staff."""
    return render(request, "home.html")
